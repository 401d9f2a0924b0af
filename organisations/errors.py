from config.errors import DomainError


class OrganisationError(DomainError):
    code = "invalid_organisation"
