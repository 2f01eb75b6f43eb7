/* Preprocessor branches: each is analysed; --define keeps one configuration. */
typedef struct TM { uint64_t cTSCTicksPerSecond; uint64_t cHostHz; uint64_t cR0Hz; } TM;
extern TM g_Tm;

uint64_t TMCpuTicksPerSecond(void)
{
#ifdef IN_RING3
    uint64_t cTicks = g_Tm.cHostHz;
#elif defined(IN_RING0)
    uint64_t cTicks = g_Tm.cR0Hz;
#else
    uint64_t cTicks = 1000;
#endif
#if 0
    cTicks = g_Tm.cTSCTicksPerSecond;
#endif
    return cTicks;
}

// flow here: TM.cHostHz -> TMCpuTicksPerSecond()
// flow here: TM.cR0Hz -> TMCpuTicksPerSecond()
// flow here [-D IN_RING3]: TM.cHostHz -> TMCpuTicksPerSecond()
// no flow here [-D IN_RING3]: TM.cR0Hz -> TMCpuTicksPerSecond()
// flow here [-D IN_RING0]: TM.cR0Hz -> TMCpuTicksPerSecond()
// no flow here [-D IN_RING0]: TM.cHostHz -> TMCpuTicksPerSecond()
// no flow here: TM.cTSCTicksPerSecond -> TMCpuTicksPerSecond()
// flow here [--keep-if0]: TM.cTSCTicksPerSecond -> TMCpuTicksPerSecond()
// why-not [-D IN_RING3]: TM.cR0Hz -> TMCpuTicksPerSecond() : preprocessor

/* A pointer typedef with one target per context: the member is looked up in each branch. */
typedef struct VMCPUX { uint64_t u64Tsc; } VMCPUX;
typedef struct GVMCPUX { int iOther; } GVMCPUX;
#ifdef IN_RING0
typedef GVMCPUX *PVMCPUXCC;
#else
typedef VMCPUX *PVMCPUXCC;
#endif

void tickSet(PVMCPUXCC pVCpu, uint64_t u64Tick)
{
    pVCpu->u64Tsc = u64Tick;
}

// flow here: tickSet#1 (u64Tick) -> VMCPUX.u64Tsc
