/* Taint: under the case labels of a switch on the guest value, the value equals one of them: a
   bound, as far as the largest label (and the cases that fall through into it) reaches. Under
   default, or under a label past the array's end, it is not one. */
#define DEV_REG_MAX 12
#define DEV_REG_CTRL 3
typedef struct DEV { unsigned aRegs[DEV_REG_MAX]; unsigned uSel; } DEV;

static int devOutSelect(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    unsigned iReg = u32 & 0x7f;
    switch (iReg)
    {
        case 1:
        case DEV_REG_CTRL:
            pThis->aRegs[iReg] = cb; // taint: checked (case)
            break;
        case 40:
            pThis->aRegs[iReg] = 0; // taint: unchecked
            break;
        default:
            pThis->aRegs[iReg] = 1; // taint: unchecked
            break;
    }
    return 0;
}

static int devOutSelectFallThrough(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    unsigned iReg = u32 & 0x7f;
    switch (iReg)
    {
        case 64:
            cb = 0;
            /* fall through */
        case 2:
            pThis->aRegs[iReg] = cb; // taint: unchecked
            break;
    }
    return 0;
}

int devConstruct(void *pDevIns, DEV *pThis)
{
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutSelect, 0, pThis, "a", 0, 0);
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutSelectFallThrough, 0, pThis, "b", 0, 0);
    return 0;
}

// flow here: devOutSelect#3 (u32) -> devOutSelect:iReg
