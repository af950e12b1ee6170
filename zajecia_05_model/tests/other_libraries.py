"""Registry versions saved, as far as a reader can tell, by another scikit-learn.

Two ways a version says it: its ``metadata.json`` records another version (what training
writes), or the model file's estimators carry another ``_sklearn_version`` (what an older
installation writes into a skops file, and what makes scikit-learn warn on loading).
"""

from __future__ import annotations

import io
import zipfile

import sklearn

from zajecia_05_model.registry import MODEL_FILE, Registry

OTHER_SKLEARN = "1.0.2"


def register_with_other_sklearn(registry: Registry, source: str = "v0001") -> str:
    """Register ``source``'s model file again, its metadata recording ``OTHER_SKLEARN``;
    return the new version. The model file is unchanged, so its checksum still holds."""
    metadata = registry.metadata(source)
    metadata["libraries"] = {**metadata.get("libraries", {}), "scikit-learn": OTHER_SKLEARN}
    return registry.register_file(registry.versions_dir / source / MODEL_FILE, metadata)


def saved_by_other_sklearn(data: bytes) -> bytes:
    """skops bytes whose estimators say they were saved by ``OTHER_SKLEARN``."""
    current = f'"\\"{sklearn.__version__}\\""'.encode()
    other = f'"\\"{OTHER_SKLEARN}\\""'.encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "schema.json":
                assert current in content
                content = content.replace(current, other)
            target.writestr(name, content)
    return out.getvalue()
