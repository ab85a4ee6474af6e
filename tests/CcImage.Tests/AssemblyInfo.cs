// Test-run settings: classes run in parallel on both cores; methods within a class run in order.
[assembly: Parallelize(Workers = 2, Scope = ExecutionScope.ClassLevel)]
