/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _ASM_TLBFLUSH_H
#define _ASM_TLBFLUSH_H
/* SIM: no TLB to flush; the header exists so kernel files that include it compile. */
#endif
