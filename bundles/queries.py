from accounts.models import User
from bundles.models import BundleImport
from config.errors import NotFound


def import_for(user: User, import_id: int) -> BundleImport:
    """An import its host (or staff) may read; anyone else gets Not found, as for a competition they cannot see."""
    found = BundleImport.objects.select_related("competition").filter(pk=import_id).first()
    if found is None or not user.is_authenticated or (found.host_id != user.pk and not user.is_staff):
        raise NotFound("No such bundle import.")
    return found
