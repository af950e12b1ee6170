"""Exit codes of the course's command-line tools: one meaning each, as pip's status codes.

A command returns :data:`OK` when it did what was asked and :data:`ERROR` when it could
not (its message on stderr says why, in Polish). A bad command line exits with
:data:`USAGE`, argparse's own code; a run stopped by Ctrl+C with :data:`INTERRUPTED`, the
shell's 128 + SIGINT.
"""

OK = 0
ERROR = 1
USAGE = 2
INTERRUPTED = 130
