"""Instructions of one run counted under valgrind's callgrind: the same figure for the same binary and input whatever
else the machine does, where seconds on a shared 2-core VM vary by 20 % between runs of the same command."""
import os
import re
import shutil
import subprocess
import tempfile


def instructions(argv, env=None):
    """Instructions of one run, all threads, or None without valgrind. The binary is copied without its DWARF, which
    valgrind 3.19 cannot read (its symbol table stays)."""
    if not shutil.which("valgrind"):
        return None
    with tempfile.TemporaryDirectory(prefix="mustard-callgrind-") as folder:
        binary = os.path.join(folder, "mustard")
        subprocess.run(["strip", "--strip-debug", "-o", binary, argv[0]], check=True)
        run = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", binary] + argv[1:],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    found = re.search(r"Collected : (\d+)", run.stderr)
    return int(found.group(1)) if found else None
