# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# The machine's lifecycle (sim/kernel/machine.c), through the library.
zsmalloc_add_test(test_machine SOURCES sim/test_machine.c LABELS sim)
zsmalloc_add_test(test_zsim_api SOURCES sim/test_zsim_api.c LABELS sim)
