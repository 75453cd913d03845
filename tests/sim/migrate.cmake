# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# Movable pages, page migration and zone compaction (sim/mm/migrate.c,
# sim/mm/compaction.c), page isolation and contiguous ranges
# (sim/mm/page_isolation.c), exercised through a toy driver (toy_driver.h).
zsmalloc_add_test(test_migrate SOURCES sim/test_migrate.c LABELS "sim;threads" LIB zsim_internal)
zsmalloc_add_test(test_compaction SOURCES sim/test_compaction.c LABELS "sim;threads" LIB zsim_internal)
zsmalloc_add_test(test_page_isolation SOURCES sim/test_page_isolation.c LABELS sim LIB zsim_internal)
