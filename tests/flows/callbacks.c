/* An API that calls back a function passed to it with a user argument (models [[callback]]):
   what the caller put behind the user argument reaches the callback. */
typedef unsigned long long uint64_t;
typedef struct VM *PVM;
typedef struct VMCPU *PVMCPU;
typedef int (*PFNRENDEZVOUS)(PVM pVM, PVMCPU pVCpu, void *pvUser);
typedef struct WALLINFO { uint64_t GCPhys; } WALLINFO;

uint64_t g_uSeen;
uint64_t g_uOther;

static int wallCallback(PVM pVM, PVMCPU pVCpu, void *pvUser)
{
    WALLINFO *pInfo = (WALLINFO *)pvUser;
    g_uSeen = pInfo->GCPhys;
    return 0;
}

static int otherCallback(PVM pVM, PVMCPU pVCpu, void *pvUser)
{
    g_uOther = 1;
    return 0;
}

int enableWall(PVM pVM, uint64_t GCPhys)
{
    WALLINFO Info;
    Info.GCPhys = GCPhys;
    return VMMR3EmtRendezvous(pVM, 0, wallCallback, &Info);
}

// flow here: enableWall:Info -> wallCallback#2 (pvUser)
// flow here: enableWall#1 (GCPhys) -> wallCallback:pInfo
// no flow here: enableWall:Info -> otherCallback#2 (pvUser)
