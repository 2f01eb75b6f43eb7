/* $Id: vm.h $ */
/** @file
 * VM - The cross context VM and VMCPU structures (srcscan sample tree).
 *
 * Each VMM component keeps its instance data in a union inside these
 * structures: the component's own struct (member 's') is only visible to
 * sources that include that component's internal header first, everybody
 * else just sees the padding.  The padding fixes the layout for all of them.
 */

#ifndef VBOX_INCLUDED_vmm_vm_h
#define VBOX_INCLUDED_vmm_vm_h

#include <VBox/types.h>

/** Upper limit of virtual CPUs per VM in this tree. */
#define VMM_MAX_CPU_COUNT       64

/** VM states (the subset this tree looks at). */
typedef enum VMSTATE
{
    VMSTATE_CREATING = 0,
    VMSTATE_CREATED,
    VMSTATE_LOADING,
    VMSTATE_POWERING_ON,
    VMSTATE_RUNNING,
    VMSTATE_SUSPENDED,
    VMSTATE_OFF
} VMSTATE;

/** Whether the given state means the VCPUs are executing guest code. */
#define VMSTATE_IS_RUNNING(a_enmState)  ((a_enmState) == VMSTATE_RUNNING)


/**
 * The cross context virtual CPU structure, one per VCPU.
 */
typedef struct VMCPU
{
    /** Index of this VCPU. */
    VMCPUID                 idCpu;
    /** Host CPU set index we last ran on. */
    uint32_t                iHostCpuSet;
    /** Back pointer to the VM (ring-3 mapping). */
    struct VM              *pVMR3;

    /** TM per-VCPU data. */
    union VMCPUUNIONTM
    {
#ifdef VMM_INCLUDED_SRC_include_TMInternal_h
        struct TMCPU        s;
#endif
        uint8_t             padding[512];       /* multiple of 64 */
    } tm;

    /** GIM per-VCPU data. */
    union VMCPUUNIONGIM
    {
#ifdef VMM_INCLUDED_SRC_include_GIMInternal_h
        struct GIMCPU       s;
#endif
        uint8_t             padding[512];       /* multiple of 64 */
    } gim;
} VMCPU;


/**
 * The cross context VM structure.
 */
typedef struct VM
{
    /** Current VM state. */
    VMSTATE                 enmVMState;
    /** Number of virtual CPUs. */
    uint32_t                cCpus;
    /** Whether the VM runs without the support driver. */
    bool                    fDriverless;

    /** TM instance data. */
    union
    {
#ifdef VMM_INCLUDED_SRC_include_TMInternal_h
        struct TM           s;
#endif
        uint8_t             padding[2048];      /* multiple of 64 */
    } tm;

    /** GIM instance data. */
    union
    {
#ifdef VMM_INCLUDED_SRC_include_GIMInternal_h
        struct GIM          s;
#endif
        uint8_t             padding[448];       /* multiple of 64 */
    } gim;

    /** The VCPUs (ring-3 pointers), cCpus valid entries. */
    PVMCPU                  apCpusR3[VMM_MAX_CPU_COUNT];
} VM;

#endif /* !VBOX_INCLUDED_vmm_vm_h */
