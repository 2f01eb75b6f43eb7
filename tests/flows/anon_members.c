/* Members named by a macro that is empty in a normal build (queries/macros.toml, rule
   member-name): the unions and structs are anonymous, so their fields belong to the enclosing
   struct through every level of nesting, and a register stays apart from another struct's
   field of the same name. */
typedef unsigned long long uint64_t;
typedef unsigned int uint32_t;
#define CPUM_UNION_NM(a_Nm)
#define CPUM_STRUCT_NM(a_Nm)
typedef struct REGS
{
    union
    {
        uint64_t aRegs[4];
        struct
        {
            union { uint32_t eax; uint64_t rax; } CPUM_UNION_NM(rax);
            union { uint32_t ecx; uint64_t rcx; } CPUM_UNION_NM(rcx);
        } CPUM_STRUCT_NM(s);
    } CPUM_UNION_NM(g);
    uint64_t rip;
} REGS;
typedef struct CPUSTATE { REGS Ctx; } CPUSTATE;
typedef struct OTHERSTATE { uint64_t rax; } OTHERSTATE;

uint64_t g_uSeen;
uint64_t g_uOther;
uint64_t g_uWrong;
uint64_t g_uUnknown;

void setRax(CPUSTATE *pCpu, uint64_t uVal)
{
    pCpu->Ctx.rax = uVal;
}

void readUnknown(struct NOTDECLARED *pSome)
{
    g_uUnknown = pSome->rax;
}

void readRegs(CPUSTATE *pCpu, OTHERSTATE *pOther)
{
    g_uSeen = pCpu->Ctx.rax;
    g_uOther = pCpu->Ctx.rip;
    g_uWrong = pOther->rax;
}

// flow here: setRax#1 (uVal) -> g_uSeen
// no flow here: setRax#1 (uVal) -> g_uOther
// no flow here: setRax#1 (uVal) -> g_uWrong
// no flow here: setRax#1 (uVal) -> g_uUnknown
