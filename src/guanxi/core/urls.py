from django.urls import path

from guanxi.core.views import admin, attachments, auth, home, jobs, module_settings, profile, team

app_name = "core"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("password/", auth.password_change, name="password_change"),
    path("language/", auth.set_language, name="set_language"),
    path("profile/", profile.profile, name="profile"),
    path("profile/tokens/<int:pk>/revoke/", profile.revoke_token, name="revoke_token"),
    path("admin/users/", admin.user_list, name="user_list"),
    path("admin/users/new/", admin.user_create, name="user_create"),
    path("admin/users/<int:pk>/", admin.user_edit, name="user_edit"),
    path("admin/departments/", admin.department_list, name="department_list"),
    path("admin/departments/new/", admin.department_edit, name="department_create"),
    path("admin/departments/<int:pk>/", admin.department_edit, name="department_edit"),
    path("admin/roles/", admin.role_list, name="role_list"),
    path("admin/roles/<int:pk>/", admin.role_edit, name="role_edit"),
    path("jobs/", jobs.job_list, name="job_list"),
    path("jobs/<int:pk>/", jobs.job_detail, name="job_detail"),
    path("admin/settings/", module_settings.settings_index, name="settings_index"),
    path("admin/settings/<str:module>/", module_settings.settings_module, name="settings_module"),
    path("team/<str:label>/<int:pk>/add/", team.team_add, name="team_add"),
    path("team/<str:label>/<int:pk>/remove/<int:user_id>/", team.team_remove, name="team_remove"),
    path(
        "attachments/<str:label>/<int:pk>/upload/",
        attachments.attachment_upload,
        name="attachment_upload",
    ),
    path("attachments/<int:pk>/", attachments.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", attachments.attachment_delete, name="attachment_delete"),
    path(
        "attachments/<int:pk>/restore/", attachments.attachment_restore, name="attachment_restore"
    ),
    path("attachments/bin/", attachments.attachment_bin, name="attachment_bin"),
]
