import pytest
from django.contrib import admin

from tests.factories import UserFactory, joined


@pytest.mark.parametrize("model", [m for m in admin.site._registry], ids=lambda m: m._meta.label)
def test_every_model_has_a_working_admin_list_with_search(client, competition, participant, model):
    joined(competition, participant)
    staff = UserFactory(username="moderator", is_staff=True, is_superuser=True)
    client.force_login(staff)
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"

    listing = client.get(url)
    searched = client.get(url, {"q": "alice"})

    assert listing.status_code == 200
    assert searched.status_code == 200
