"""Export formats, one module per format (as jrnl lays out its exporters).

- `json_export`: everything, lossless; also reads such a file back for `backcare import`.
- `csv_export`: one row per day for spreadsheets.
- `fhir_export`: a FHIR R4 Bundle of Observations for clinical systems.

Each takes the plain body produced by `backcare.store.transfer.dump` and returns text. They import
nothing heavy, and nothing here touches the database.
"""

FORMATS = ("json", "csv", "fhir")
