from django.urls import path

from .views import entries, meetings, questions

app_name = "board"
urlpatterns = [
    # boards
    path("botilbud/<int:facility_pk>/", entries.facility_board, name="facility"),
    path("botilbud/<int:facility_pk>/raekker/", entries.facility_rows, name="facility_rows"),
    path("botilbud/<int:facility_pk>/print/", entries.facility_print, name="print"),
    path("team/<int:team_pk>/", entries.team_board, name="team"),
    path("team/<int:team_pk>/raekker/", entries.team_rows, name="team_rows"),
    # entries
    path("beboere/<int:resident_pk>/ny/", entries.entry_create, name="entry_create"),
    path("beboere/<int:resident_pk>/historik/", entries.history, name="history"),
    path("indgange/<int:pk>/", entries.entry_edit, name="entry_edit"),
    path("indgange/<int:pk>/opfoelgning/", entries.entry_review, name="entry_review"),
    path("indgange/<int:pk>/afslut/", entries.entry_end, name="entry_end"),
    # questions and updates between meetings
    path(
        "beboere/<int:resident_pk>/spoergsmaal/", questions.question_create, name="question_create"
    ),
    path("spoergsmaal/<int:pk>/", questions.question_answer, name="question_answer"),
    path("botilbud/<int:facility_pk>/spoergsmaal/", questions.facility_questions, name="questions"),
    # the weekly meeting
    path("botilbud/<int:facility_pk>/moeder/", meetings.meeting_list, name="meetings"),
    path("botilbud/<int:facility_pk>/moeder/nyt/", meetings.meeting_open, name="meeting_open"),
    path("botilbud/<int:facility_pk>/moedeplan/", meetings.schedule, name="schedule"),
    path("moeder/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("moeder/<int:pk>/deltagere/", meetings.attendance, name="attendance"),
    path("moeder/<int:pk>/afslut/", meetings.meeting_close, name="meeting_close"),
    path("moeder/<int:pk>/referat/", meetings.minutes, name="minutes"),
    path("moeder/punkter/<int:pk>/", meetings.item, name="item"),
    path("moeder/punkter/<int:pk>/handling/", meetings.action_create, name="action_create"),
    path("handlinger/<int:pk>/udfoert/", meetings.action_done, name="action_done"),
]
