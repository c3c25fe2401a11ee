"""Name search that forgives a typo and a missing Danish letter (``residents.selectors``).

- ``pg_trgm`` and ``unaccent`` (both "trusted" extensions: the database owner creates them, no
  superuser needed; PostgreSQL 13 or later).
- ``residents_fold(text)``: the one spelling both sides of a search are compared in: accents
  and Danish letters folded by ``unaccent`` (ø → o, æ → ae, å → a, ö → o, é → e), lower case,
  and the two Danish transcriptions folded too (aa → a for å, oe → o for ø), so "Søren",
  "Soren", "Sören" and "Soeren" are all "soren". IMMUTABLE so an index may use it: the
  dictionary is named by its OID (the SQL-standard body is parsed when the function is
  created), so the result does not depend on the search_path at query time.
- ``residents_person_name(first_name, last_name)``: the folded full name, the expression the
  search filters and ranks on.
- A GIN trigram index on that expression: it serves both the substring match (``LIKE``) and
  the typo match (``%>``, word similarity) of the search.
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

FUNCTIONS = """
CREATE FUNCTION residents_fold(value text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN replace(replace(lower(unaccent('unaccent'::regdictionary, value)), 'aa', 'a'), 'oe', 'o');

CREATE FUNCTION residents_person_name(first_name text, last_name text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN residents_fold(coalesce(first_name, '') || ' ' || coalesce(last_name, ''));
"""

DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS residents_person_name(text, text);
DROP FUNCTION IF EXISTS residents_fold(text);
"""

INDEX = """
CREATE INDEX resident_name_trgm ON residents_resident
    USING gin (residents_person_name(first_name, last_name) gin_trgm_ops);
"""

DROP_INDEX = "DROP INDEX IF EXISTS resident_name_trgm;"


class Migration(migrations.Migration):
    dependencies = [("residents", "0003_move")]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunSQL(FUNCTIONS, DROP_FUNCTIONS),
        migrations.RunSQL(INDEX, DROP_INDEX),
    ]
