from kurs.runner import main

raise SystemExit(main())
