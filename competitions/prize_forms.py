"""The Host tab's prize forms: a table of prize rows, and marking a team not eligible for prizes."""

from django import forms

from competitions.models import Competition
from competitions.prizes import MAX_PRIZES, PrizeDraft, PrizeRefused, parse_amount

SPARE_ROWS = 3  # empty rows after the prizes, to add more (saving shows three more)
LEAST_ROWS = 5


class PrizesForm(forms.Form):
    """One row per prize (place, amount, currency, description); a row with no amount, currency or
    description is left out. competitions.prizes checks the rules; its refusal lands on the row's field."""

    def __init__(self, *args, competition: Competition, **kwargs):
        super().__init__(*args, **kwargs)
        prizes = list(competition.prizes.all())
        posted = self.posted_rows()
        rows = min(max(len(prizes) + SPARE_ROWS, LEAST_ROWS, posted), MAX_PRIZES + 1)
        self.row_count = rows
        by_row = dict(enumerate(prizes))
        for row in range(rows):
            prize = by_row.get(row)
            place = f"Place of prize row {row + 1}"
            self.fields[f"place_{row}"] = forms.IntegerField(
                label=place, required=False, initial=prize.place if prize else row + 1
            )
            self.fields[f"amount_{row}"] = forms.CharField(
                label=f"Amount of prize row {row + 1}",
                required=False,
                max_length=40,
                initial=f"{prize.amount.normalize():f}" if prize and prize.amount is not None else "",
            )
            self.fields[f"currency_{row}"] = forms.CharField(
                label=f"Currency of prize row {row + 1}",
                required=False,
                max_length=3,
                initial=prize.currency if prize else "",
            )
            self.fields[f"description_{row}"] = forms.CharField(
                label=f"Description of prize row {row + 1}",
                required=False,
                max_length=200,
                initial=prize.description if prize else "",
            )
        self.drafted_rows: list[int] = []

    def posted_rows(self) -> int:
        names = [name for name in (self.data or {}) if name.startswith("place_")]
        numbers = [int(name[6:]) for name in names if name[6:].isdigit()]
        return max(numbers) + 1 if numbers else 0

    def rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"{attribute}_{row}"] for attribute in ("place", "amount", "currency", "description")]
            for row in range(self.row_count)
        ]

    def drafts(self) -> list[PrizeDraft]:
        """The filled rows as prizes; a refusal about an amount that is not a number lands on its field."""
        data = self.cleaned_data
        drafts = []
        self.drafted_rows = []
        for row in range(self.row_count):
            amount = data.get(f"amount_{row}") or ""
            currency = data.get(f"currency_{row}") or ""
            description = data.get(f"description_{row}") or ""
            if not (amount.strip() or currency.strip() or description.strip()):
                continue
            place = data.get(f"place_{row}")
            if place is None:
                self.add_error(f"place_{row}", "Give the place this prize is for (1 for the winner).")
                continue
            try:
                parsed = parse_amount(amount, index=len(drafts))
            except PrizeRefused as refused:
                self.add_error(f"amount_{row}", refused.message)
                continue
            self.drafted_rows.append(row)
            drafts.append(PrizeDraft(place=place, amount=parsed, currency=currency, description=description))
        return drafts

    def show_refusal(self, refused: PrizeRefused) -> None:
        """Put the service's refusal on the row and field it names."""
        index, attribute = refused.details.get("index"), refused.details.get("attribute")
        if isinstance(index, int) and index < len(self.drafted_rows):
            self.add_error(f"{attribute}_{self.drafted_rows[index]}", refused.message)
        else:
            self.add_error(None, refused.message)


class PrizeEligibilityForm(forms.Form):
    team = forms.CharField(label="Team name", max_length=100)
    reason = forms.CharField(
        label="Reason (the team sees it)",
        max_length=500,
        widget=forms.TextInput,
        help_text="For example: a member is an employee of the sponsor. The team still ranks; its prize goes "
        "to the next eligible team.",
    )
