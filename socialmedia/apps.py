from django.apps import AppConfig


class SocialMediaConfig(AppConfig):
    # Corporate social media accounts and credentials (a later issue fills this app).
    name = "socialmedia"
    verbose_name = "Social media accounts"
