"""The bottom layer: helpers that know no app (CPR numbers, notice periods, spreadsheet cells,
the form base, the errors services raise for the user, the request id). Nothing here imports
an app; every app may import from here."""
