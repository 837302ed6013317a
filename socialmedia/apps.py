from django.apps import AppConfig


class SocialMediaConfig(AppConfig):
    # Corporate social media accounts: the Chief Executive's decisions in writing, the
    # credential register and its rotation, reviews; and permissions to speak or publish.
    name = "socialmedia"
    verbose_name = "Social media accounts"

    def ready(self):
        from socialmedia.plugin import register

        register()
