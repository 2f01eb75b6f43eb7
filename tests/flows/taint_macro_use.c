/* Taint: a guest value read inside the file's own macros. The registers are what the guest writes
   to the MMIO range (`REG_CSUM` stands for `pThis->auRegs[REG_CSUM_IDX]`, `GET_FIELD(REG_CSUM,
   START)` pastes tokens into the field's mask and shift); the packet is the host's. An offset
   passed to a function of the file whose pointer parameter is followed by a size_t (`devSum(pb +
   off, cb)`) reaches off + cb: a mask of the offset alone does not check it, a bound that reads
   the length does. An index through a macro that masks it to the table's size is checked. */
typedef unsigned long size_t;
#define RT_MIN(a, b) ((a) < (b) ? (a) : (b))
#define REG_CSUM_IDX   2
#define REG_SEL_IDX    3
#define REG_CSUM       pThis->auRegs[REG_CSUM_IDX]
#define REG_SEL        pThis->auRegs[REG_SEL_IDX]
#define REG_CSUM_START_MASK  0x000000FF
#define REG_CSUM_START_SHIFT 0
#define REG_SEL_ENTRY_MASK   0x00000003
#define REG_SEL_ENTRY_SHIFT  0
#define REG_SEL_WIDE_MASK    0x0000FF00
#define REG_SEL_WIDE_SHIFT   8
#define GET_FIELD(reg, f) ((reg & reg##_##f##_MASK) >> reg##_##f##_SHIFT)

typedef struct DEV { unsigned auRegs[8]; unsigned aTable[4]; unsigned fMode; } DEV;

static unsigned short devSum(const void *pv, size_t cb)
{
    const unsigned char *pb = (const unsigned char *)pv;
    unsigned uSum = 0;
    while (cb-- > 0)
        uSum += *pb++;
    return (unsigned short)uSum;
}

static int devMmioWrite(void *pDevIns, void *pvUser, unsigned long off, void const *pv, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    unsigned u32 = *(unsigned const *)pv;
    pThis->fMode = u32 >> 31;
    if (off == 8)
        pThis->auRegs[REG_CSUM_IDX] = u32;
    else
        pThis->auRegs[REG_SEL_IDX] = u32;
    return 0;
}

/* (each function reads a guest field of DEV straight, fMode: where reads through macros are looked for) */
int devReceive(DEV *pThis, const unsigned char *pvPkt, unsigned cbPkt)
{
    unsigned char abPkt[256];
    size_t cb = cbPkt < sizeof(abPkt) ? cbPkt : sizeof(abPkt);
    unsigned fMode = pThis->fMode;
    int rc = devSum(abPkt + GET_FIELD(REG_CSUM, START), cb); // taint: unchecked
    return rc + fMode;
}

int devReceiveChecked(DEV *pThis, const unsigned char *pvPkt, unsigned cbPkt)
{
    unsigned char abPkt[256];
    size_t cb = cbPkt < sizeof(abPkt) ? cbPkt : sizeof(abPkt);
    unsigned fMode = pThis->fMode;
    if (GET_FIELD(REG_CSUM, START) + cb > sizeof(abPkt))
        return -1;
    int rc = devSum(abPkt + GET_FIELD(REG_CSUM, START), cb); // taint: checked (early exit)
    return rc + fMode;
}

int devReceiveNarrow(DEV *pThis, const unsigned char *pvPkt, unsigned cbPkt)
{
    unsigned char abPkt[256];
    size_t cb = cbPkt < sizeof(abPkt) ? cbPkt : sizeof(abPkt);
    unsigned fMode = pThis->fMode;
    /* (the narrow local holds the sum, computed after the offset was used: no bound of it) */
    unsigned short uSum = devSum(abPkt + GET_FIELD(REG_CSUM, START), cb); // taint: unchecked
    return uSum + fMode;
}

/* the 6.0 port registration: the value written is the handler's u32 */
static int devIoOut(void *pDevIns, void *pvUser, unsigned uPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    pThis->aTable[u32 >> 16] = 0; // taint: unchecked
    return 0;
}

unsigned devSelect(DEV *pThis)
{
    unsigned fMode = pThis->fMode;
    return fMode + pThis->aTable[GET_FIELD(REG_SEL, ENTRY)]; // taint: checked (mask)
}

unsigned devSelectWide(DEV *pThis)
{
    unsigned fMode = pThis->fMode;
    return fMode + pThis->aTable[GET_FIELD(REG_SEL, WIDE)]; // taint: unchecked
}

int devConstruct(void *pDevIns, DEV *pThis)
{
    PDMDevHlpMMIORegister(pDevIns, 0, 4096, pThis, 0, devMmioWrite, 0, "dev");
    PDMDevHlpIOPortRegister(pDevIns, 0x300, 8, pThis, devIoOut, 0, 0, 0, "dev");
    return 0;
}

// flow here: devMmioWrite:u32 -> DEV.auRegs
