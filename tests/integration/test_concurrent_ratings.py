"""Many readers rating, changing and taking back their ratings of one dataset at the same time, through the
API of a real web server on PostgreSQL: every answer is a success and the dataset's count and total are
exactly those of the ratings left (community/ratings.py holds the item's row while it counts them again)."""

from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

pytestmark = pytest.mark.integration

READERS = [f"rater{number}" for number in range(10)]
URL = "/api/v1/ratings/dataset/iris/"


def final_stars(index: int) -> int | None:
    """What each reader's rating ends as: every third takes theirs back."""
    return None if index % 3 == 2 else index % 5 + 1


def test_concurrent_ratings_of_one_dataset_lose_none_and_count_exactly(postgres_stack):
    stack = postgres_stack
    clients = stack.add_users(*READERS)

    def rater(index: int, reader: str):
        """Rate, change, and (every third reader) take it back: one after another for this reader, at the
        same time as every other reader."""
        session, answers = clients[reader].session, []
        for stars in (5 - index % 5, index % 5 + 1):
            answers.append(session.put(stack.url + URL, json={"stars": stars}, timeout=60))
        if final_stars(index) is None:
            answers.append(session.delete(stack.url + URL, timeout=60))
        return answers

    with ThreadPoolExecutor(max_workers=len(READERS)) as pool:
        answers = [
            answer
            for answered in pool.map(lambda job: rater(*job), enumerate(READERS))
            for answer in answered
        ]

    assert [(answer.status_code, answer.text[:200]) for answer in answers if answer.status_code != 200] == []
    kept = [stars for index in range(len(READERS)) if (stars := final_stars(index)) is not None]
    summary = clients[READERS[0]].get(URL).json()
    assert (summary["rating_count"], summary["rating_average"]) == (
        len(kept),
        round(sum(kept) / len(kept), 2),
    )
    with psycopg.connect(stack.postgres_admin_url, dbname=stack.database_name, autocommit=True) as connection:
        totals = connection.execute(
            "SELECT rating_count, rating_sum FROM datasets_dataset WHERE slug = 'iris'"
        ).fetchone()
        counted = connection.execute(
            "SELECT count(*), sum(stars) FROM community_rating r "
            "JOIN django_content_type t ON t.id = r.content_type_id AND (t.app_label, t.model) = ('datasets', 'dataset') "
            "JOIN datasets_dataset d ON r.object_id = d.id WHERE d.slug = 'iris'"
        ).fetchone()
    assert totals == (len(kept), sum(kept)) == counted
