from zajecia_01_planowanie.cli import main

raise SystemExit(main())
