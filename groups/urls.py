from django.urls import path

from groups.views import concerns, members, pages, reviews

app_name = "groups"

urlpatterns = [
    # Everyone signed in: their own groups, and the page of a group they may see.
    path("", pages.my_groups, name="mine"),
    path("<int:pk>/", pages.group_detail, name="group"),
    # Membership, rules, leavers, reviews and concerns (the members part).
    path("<int:pk>/members/", members.members, name="members"),
    path("<int:pk>/members/add/", members.members_add, name="members_add"),
    path("<int:pk>/members/external/", members.external_add, name="external_add"),
    path("members/<int:pk>/remove/", members.member_remove, name="member_remove"),
    path("members/<int:pk>/chat-removed/", members.member_chat_removed, name="member_chat_removed"),
    path("external/<int:pk>/remove/", members.external_remove, name="external_remove"),
    path("<int:pk>/rules/", members.rules, name="rules"),
    path("<int:pk>/admin/", members.admin_change, name="admin_change"),
    path("<int:pk>/review/", reviews.review, name="review"),
    path("<int:pk>/concern/", concerns.concern_about_group, name="concern_about_group"),
    path("concerns/new/", concerns.concern_unlisted, name="concern_unlisted"),
    path("concerns/<int:pk>/received/", concerns.concern_received, name="concern_received"),
    path("concerns/", concerns.concerns, name="concerns"),
    path("concerns/<int:pk>/", concerns.concern_detail, name="concern"),
]
