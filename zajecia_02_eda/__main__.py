from zajecia_02_eda.cli import main

raise SystemExit(main())
