"""The host's check of the solution before publishing: split sizes, format, the sample, what is missing."""

from django.utils.html import escape

from tests.factories import make_competition


def test_the_host_checks_split_format_and_sample_before_publishing(client, host):
    competition = make_competition(host=host, publish=False)
    client.force_login(host)

    html = client.get(f"/competitions/{competition.slug}/host/check/").content.decode()

    assert "<dt>Test ids</dt><dd>10</dd>" in html
    assert "<dt>Public rows (40%)</dt><dd>4</dd>" in html
    assert "<dt>Private rows</dt><dd>6</dd>" in html
    assert "<code>id,label</code>" in html
    sample = html.split('id="sample-preview">')[1].split("</pre>")[0]
    assert sample.splitlines()[0] == "id,label"
    assert len(sample.splitlines()) == 7  # the header, five rows and an ellipsis
    assert "Usage" not in sample
    assert "Private" not in sample
    assert "Write an overview" in html  # the factory leaves the overview empty
    assert 'id="publish-after-check"' in html


def test_only_the_host_sees_the_check(client, host, participant):
    competition = make_competition(host=host)
    client.force_login(participant)
    response = client.get(f"/competitions/{competition.slug}/host/check/")
    assert response.status_code == 403
    assert (
        escape("Only the competition's host, co-hosts and reviewers can check its solution.")
        in response.content.decode()
    )


def test_a_published_competition_shows_when_it_was_published(client, host):
    competition = make_competition(host=host)
    client.force_login(host)
    html = client.get(f"/competitions/{competition.slug}/host/check/").content.decode()
    assert "Published " in html
    assert 'id="publish-after-check"' not in html
