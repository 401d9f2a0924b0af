"""A dataset version's metadata as Croissant 1.0 JSON-LD (https://mlcommons.org/croissant/1.0).

Croissant is the schema.org Dataset vocabulary plus file checksums and column types, as Kaggle and
Hugging Face publish it, so ML tools can find, check and load the data.
"""

import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass

from datasets.models import DatasetFile, DatasetVersion

CONFORMS_TO = "http://mlcommons.org/croissant/1.0"
CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "sc": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "dct": "http://purl.org/dc/terms/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileObject": "cr:fileObject",
    "fileProperty": "cr:fileProperty",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
DATA_TYPES = {"integer": "sc:Integer", "float": "sc:Float", "boolean": "sc:Boolean", "text": "sc:Text"}
ENCODING_FORMATS = {
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".json": "application/json",
    ".jsonl": "application/jsonlines",
    ".parquet": "application/x-parquet",
    ".zip": "application/zip",
    ".txt": "text/plain",
    ".md": "text/markdown",
}
# Croissant @ids are relative IRIs and may hold no whitespace, so names become ids through this.
UNSAFE_IN_ID = re.compile(r"[^A-Za-z0-9._()-]+")


@dataclass(frozen=True)
class CroissantLinks:
    """Where the page and downloads of the version are, as absolute URLs."""

    page: str
    zip: str
    file: Callable[[str], str]  # a file's name to its download URL


@dataclass(frozen=True)
class CroissantAbout:
    """What the document says the data is: a dataset's own words, or its competition's."""

    name: str
    description: str
    license: str
    creator: str
    creator_is_organisation: bool = False  # published on behalf of an organisation, which is then named

    @property
    def creator_node(self) -> dict:
        kind = "sc:Organization" if self.creator_is_organisation else "sc:Person"
        return {"@type": kind, "name": self.creator}


def encoding_format(name: str) -> str:
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return ENCODING_FORMATS.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


class Ids:
    """Hands out unique, whitespace-free @ids, so odd file or column names never collide or break the graph."""

    def __init__(self):
        self.taken: set[str] = set()

    @staticmethod
    def safe(part: str) -> str:
        part = UNSAFE_IN_ID.sub("_", part).strip("_")
        return part if part.strip(".") else "_"  # "." and ".." would be resolved away as IRI path segments

    def __call__(self, *parts: str) -> str:
        base = "/".join(self.safe(part) for part in parts)
        candidate, n = base, 2
        while candidate in self.taken:
            candidate, n = f"{base}_{n}", n + 1
        self.taken.add(candidate)
        return candidate


def file_object(id_: str, name: str, url: str, size: int, sha256: str) -> dict:
    return {
        "@type": "cr:FileObject",
        "@id": id_,
        "name": name,
        "contentUrl": url,
        "contentSize": f"{size} B",
        "encodingFormat": encoding_format(name),
        "sha256": sha256,
    }


def record_set(ids: Ids, dataset_file: DatasetFile, set_id: str, file_id: str) -> dict:
    """One record per row of a CSV file, one field per column."""
    return {
        "@type": "cr:RecordSet",
        "@id": set_id,
        "name": dataset_file.name,
        "description": f"The rows of {dataset_file.name}.",
        "field": [
            {
                "@type": "cr:Field",
                "@id": ids(set_id, column["name"]),
                "name": column["name"],
                "dataType": DATA_TYPES.get(column.get("type"), "sc:Text"),
                "source": {"fileObject": {"@id": file_id}, "extract": {"column": column["name"]}},
            }
            for column in dataset_file.columns
        ],
    }


def croissant_document(version: DatasetVersion, links: CroissantLinks, about: CroissantAbout) -> dict:
    """The Croissant JSON-LD of a version: its files with sizes and checksums, and the columns of its CSVs."""
    files = list(version.files.all())
    ids = Ids()
    # Kaggle's layout: a record set is named for its file, the file object is "<name>_fileobject".
    set_ids = {f.name: ids(f.name) for f in files if f.columns}
    distribution, record_sets = [], []
    for dataset_file in files:
        file_id = ids(f"{dataset_file.name}_fileobject")
        distribution.append(
            file_object(
                file_id,
                dataset_file.name,
                links.file(dataset_file.name),
                dataset_file.size,
                dataset_file.sha256,
            )
        )
        if dataset_file.name in set_ids:
            record_sets.append(record_set(ids, dataset_file, set_ids[dataset_file.name], file_id))
    if version.zip_sha256:
        zip_name = f"{version.dataset.slug}-v{version.number}.zip"
        distribution.append(
            file_object(ids(zip_name), zip_name, links.zip, version.zip_size, version.zip_sha256)
        )
    document = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": about.name,
        "description": about.description or f"Version {version.number} of '{about.name}', shared on Podium.",
        "url": links.page,
        "citeAs": f"{about.creator} ({version.created_at.year}). {about.name}, version {version.number}. {links.page}",
        "license": about.license,
        "version": f"{version.number}.0.0",
        "datePublished": version.created_at.isoformat(),
        "creator": about.creator_node,
        "distribution": distribution,
    }
    if record_sets:
        document["recordSet"] = record_sets
    return document
