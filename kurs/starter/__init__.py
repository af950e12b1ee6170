"""The student starter repository, generated from this reference (``make starter``).

Solution regions are marked in the reference (:mod:`.markers`, :mod:`.notebooks`);
:mod:`.rules` says which files the starter gets; :mod:`.generate` writes it.
"""
