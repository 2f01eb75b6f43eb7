/* $Id: pgm.h $ */
/** @file
 * PGM - Page Manager API, guest physical memory access part (srcscan sample tree).
 */

#ifndef VBOX_INCLUDED_vmm_pgm_h
#define VBOX_INCLUDED_vmm_pgm_h

#include <VBox/types.h>

RT_C_DECLS_BEGIN

/** Whether the address is backed by ordinary guest RAM. */
VMMDECL(bool) PGMPhysIsGCPhysNormal(PVMCC pVM, RTGCPHYS GCPhys);

/**
 * Copies host memory into guest physical memory, ignoring access handlers.
 *
 * @returns VBox status code.
 * @param   pVM         The cross context VM structure.
 * @param   GCPhysDst   Guest physical destination address.
 * @param   pvSrc       Host source buffer.
 * @param   cb          Number of bytes to write.
 */
VMMDECL(int) PGMPhysSimpleWriteGCPhys(PVMCC pVM, RTGCPHYS GCPhysDst, const void *pvSrc, size_t cb);

/** Copies guest physical memory into a host buffer. */
VMMDECL(int) PGMPhysSimpleReadGCPhys(PVMCC pVM, void *pvDst, RTGCPHYS GCPhysSrc, size_t cb);

RT_C_DECLS_END

#endif /* !VBOX_INCLUDED_vmm_pgm_h */
