"""Similarity of the work in a batch of student repositories (``--similarity``).

Every pair of repositories is compared per kind of work (:mod:`.categories`): the files of
each kind (:mod:`.files`) become normalised tokens and k-gram shingles (:mod:`.tokens`);
the text of the reference repository is subtracted (:mod:`.reference`), so only what a
student wrote counts (:mod:`.reading`); generated evidence, model checksums and precise
numbers, is compared as well (:mod:`.evidence`). Each pair is scored with the Jaccard
index (:mod:`.scoring`) in one pass over the batch (:func:`compare`, :mod:`.batch`), and
the result becomes a CSV file and a Markdown report for the instructor (:mod:`.report`).
The records passed between these steps are in :mod:`.model`.
"""

from grading.similarity.batch import compare
from grading.similarity.categories import CATEGORIES, Category
from grading.similarity.evidence import precise
from grading.similarity.files import compared_text, repository_files
from grading.similarity.model import Pair, Reference, Repository, Similarity
from grading.similarity.reference import read_reference
from grading.similarity.report import CSV_FILE, MARKDOWN_FILE, as_csv, as_markdown, summary
from grading.similarity.scoring import THRESHOLD
from grading.similarity.tokens import Reader, python_line

__all__ = [
    "CATEGORIES",
    "CSV_FILE",
    "MARKDOWN_FILE",
    "THRESHOLD",
    "Category",
    "Pair",
    "Reader",
    "Reference",
    "Repository",
    "Similarity",
    "as_csv",
    "as_markdown",
    "compare",
    "compared_text",
    "precise",
    "python_line",
    "read_reference",
    "repository_files",
    "summary",
]
