/* $Id: vmm.h $ */
/** @file
 * VMM - The Virtual Machine Monitor, context helpers (srcscan sample tree).
 */

#ifndef VBOX_INCLUDED_vmm_vmm_h
#define VBOX_INCLUDED_vmm_vmm_h

#include <VBox/types.h>

RT_C_DECLS_BEGIN

/** Gets the VCPU of the calling EMT, NULL if not called on an EMT. */
VMMDECL(PVMCPUCC) VMMGetCpu(PVMCC pVM);

/** Gets the VCPU with the given index. */
VMMDECL(PVMCPUCC) VMMGetCpuById(PVMCC pVM, VMCPUID idCpu);

RT_C_DECLS_END

#endif /* !VBOX_INCLUDED_vmm_vmm_h */
