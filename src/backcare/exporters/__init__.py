"""Export formats, one module per format (as jrnl lays out its exporters).

- `json_export`: everything, lossless; also reads such a file back for `backcare import`.
- `csv_export`: one row per day for spreadsheets.
- `fhir_export`: a FHIR R4 Bundle of Observations for clinical systems.

Each writes to an open text stream record by record, from the lazily read rows that
`backcare.store.transfer.snapshot` yields, so memory stays flat however many years a home holds. They
import nothing heavy, and nothing here touches the database.
"""

FORMATS = ("json", "csv", "fhir")
