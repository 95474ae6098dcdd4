"""Memory and CPU of systemd units' processes, measured on the host itself.

bench/deploy.py pipes this file to the host's own interpreter (`python3 - WINDOW UNIT...`,
standard library only) and reads one JSON document from its output:

- per unit, summed over the processes of its control group: RSS, PSS (pages shared
  with any process on the host split between them) and USS (pages of its processes
  alone: private clean and dirty);
- `alone_mb` over all the units given: the distinct physical pages their processes map
  (from /proc/PID/pagemap, root only), i.e. their PSS as if they were the only processes
  of the host. On a colocated host PSS also splits the interpreter's and the libraries'
  pages with the hub and the workers, which a Pi that runs only these units does not;
  this figure does not, so it is what such a Pi holds for them;
- `cpu_pct`: the CPU time (user and system, /proc/PID/stat) of those processes over
  WINDOW seconds, in percent of one core.
"""

import json
import os
import subprocess
import sys
import time

PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")
PRESENT = 1 << 63
PFN_MASK = (1 << 55) - 1
# A mapping this large is address space reserved, not memory: skip reading its pagemap.
LARGEST_MAPPING = 1 << 32


def unit_pids(unit: str) -> list[int]:
    group = subprocess.run(
        ["systemctl", "show", "-P", "ControlGroup", unit],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    pids = set()
    # The systemd hierarchy of a hybrid cgroup host, or the unified one.
    for root in ("/sys/fs/cgroup/systemd", "/sys/fs/cgroup"):
        try:
            with open(f"{root}{group}/cgroup.procs", encoding="ascii") as procs:
                pids.update(int(line) for line in procs if line.strip())
        except OSError:
            continue
    return sorted(pids)


def rollup(pid: int) -> dict[str, int]:
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as smaps:
        for line in smaps:
            name, _, rest = line.partition(":")
            if rest.strip().endswith("kB"):
                fields[name] = int(rest.split()[0])
    return fields


def frames(pid: int) -> set[int]:
    """The physical frame numbers of the present pages `pid` maps."""
    found = set()
    with (
        open(f"/proc/{pid}/maps", encoding="utf-8", errors="replace") as maps,
        open(f"/proc/{pid}/pagemap", "rb") as pagemap,
    ):
        for line in maps:
            start, end = (int(value, 16) for value in line.split()[0].split("-"))
            if end - start > LARGEST_MAPPING:
                continue
            try:
                pagemap.seek(start // PAGE * 8)
                entries = pagemap.read((end - start) // PAGE * 8)
            except OSError:
                continue  # [vsyscall] and the like
            for offset in range(0, len(entries), 8):
                entry = int.from_bytes(entries[offset : offset + 8], "little")
                if entry & PRESENT:
                    found.add(entry & PFN_MASK)
    return found


def cpu_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    # utime and stime: fields 14 and 15 of proc(5), 12 and 13 after the command's name.
    return int(fields[11]) + int(fields[12])


def main() -> None:
    window = float(sys.argv[1])
    units = sys.argv[2:]
    pids = {unit: unit_pids(unit) for unit in units}
    everyone = [pid for unit in units for pid in pids[unit]]
    start_ticks = {pid: cpu_ticks(pid) for pid in everyone}
    started = time.monotonic()
    time.sleep(window)
    elapsed = time.monotonic() - started
    spent = 0
    for pid, ticks in start_ticks.items():
        try:
            spent += cpu_ticks(pid) - ticks
        except OSError:
            continue  # ended in the window: its time is lost, not made up
    per_unit = {}
    all_frames = set()
    for unit in units:
        rss = pss = uss = 0
        for pid in pids[unit]:
            fields = rollup(pid)
            rss += fields["Rss"]
            pss += fields["Pss"]
            uss += fields["Private_Clean"] + fields["Private_Dirty"]
            all_frames |= frames(pid)
        per_unit[unit] = {
            "processes": len(pids[unit]),
            "rss_mb": rss / 1024,
            "pss_mb": pss / 1024,
            "uss_mb": uss / 1024,
        }
    print(
        json.dumps({
            "units": per_unit,
            "alone_mb": len(all_frames) * PAGE / 2**20,
            "cpu_pct": 100 * spent / TICKS / elapsed,
            "window_s": elapsed,
        })
    )  # fmt: skip


if __name__ == "__main__":
    main()
