/* $Id: types.h $ */
/** @file
 * VirtualBox - Forward declarations of the VMM handle types (srcscan sample tree).
 */

#ifndef VBOX_INCLUDED_types_h
#define VBOX_INCLUDED_types_h

#include <iprt/types.h>

RT_C_DECLS_BEGIN

/** Pointer to the cross context VM structure. */
typedef struct VM          *PVM;
/** Pointer to a const cross context VM structure. */
typedef const struct VM    *PCVM;
/** The VM pointer flavour of the current context (ring-3 in this tree). */
typedef PVM                 PVMCC;

/** Pointer to the cross context virtual CPU structure. */
typedef struct VMCPU       *PVMCPU;
/** The VMCPU pointer flavour of the current context. */
typedef PVMCPU              PVMCPUCC;

/** Virtual CPU identifier. */
typedef uint32_t            VMCPUID;

/** Opaque handle to a configuration tree node. */
typedef struct CFGMNODE    *PCFGMNODE;

/** Opaque handle to a saved state operation. */
typedef struct SSMHANDLE   *PSSMHANDLE;

RT_C_DECLS_END

#endif /* !VBOX_INCLUDED_types_h */
