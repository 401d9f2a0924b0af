from config.errors import DomainError


class CompetitionError(DomainError):
    code = "invalid_competition"


class RulesNotAccepted(DomainError):
    code = "rules_not_accepted"
    http_status = 403


class CompetitionSuspended(DomainError):
    code = "competition_suspended"
    http_status = 403
