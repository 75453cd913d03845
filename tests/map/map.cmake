# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# Pictures of memory (tools/map.c, zsim map): page and zspage inspection,
# cell counts at several machine sizes, colours against the legend.
zsmalloc_add_test(test_map SOURCES map/test_map.c LABELS map LIB zsmalloc::zsmalloc)
target_link_libraries(test_map PRIVATE zsim_map)
