from pathlib import Path

from common.migrations import upgrade_main

raise SystemExit(upgrade_main(Path(__file__).parent))
