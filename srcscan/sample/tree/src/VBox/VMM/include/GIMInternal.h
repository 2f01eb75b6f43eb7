/* $Id: GIMInternal.h $ */
/** @file
 * GIM - Guest Interface Manager, internal header file (srcscan sample tree).
 */

#ifndef VMM_INCLUDED_SRC_include_GIMInternal_h
#define VMM_INCLUDED_SRC_include_GIMInternal_h

#include <VBox/types.h>
#include "GIMHvInternal.h"
#include "GIMKvmInternal.h"

RT_C_DECLS_BEGIN

/** Which paravirtualization interface the guest is offered. */
typedef enum GIMPROVIDERID
{
    GIMPROVIDERID_NONE = 0,
    GIMPROVIDERID_MINIMAL,
    GIMPROVIDERID_HYPERV,
    GIMPROVIDERID_KVM
} GIMPROVIDERID;


/**
 * GIM VM instance data, lives in VM::gim.
 */
typedef struct GIM
{
    /** The provider in use. */
    GIMPROVIDERID               enmProviderId;
    /** Implementation version of the provider. */
    uint32_t                    u32Version;
    /** Provider specific data; only the member of enmProviderId is valid. */
    union
    {
        GIMHV                   Hv;
        GIMKVM                  Kvm;
    } u;
} GIM;
/** Pointer to GIM VM instance data. */
typedef GIM *PGIM;


/**
 * GIM VCPU instance data, lives in VMCPU::gim.
 */
typedef struct GIMCPU
{
    /** Provider specific data. */
    union
    {
        GIMHVCPU                HvCpu;
        GIMKVMCPU               KvmCpu;
    } u;
} GIMCPU;
/** Pointer to GIM VCPU instance data. */
typedef GIMCPU *PGIMCPU;

RT_C_DECLS_END

#endif /* !VMM_INCLUDED_SRC_include_GIMInternal_h */
