from django.apps import AppConfig


class BundlesConfig(AppConfig):
    name = "bundles"
    verbose_name = "Codabench bundle imports"

    def ready(self) -> None:
        from bundles.attach import refuse_publishing_unattached_pairs
        from competitions.signals import publishing

        publishing.connect(refuse_publishing_unattached_pairs, dispatch_uid="bundles.publishing")
