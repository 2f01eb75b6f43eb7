/* A member read through a variable whose declared class is not in the sources (only declared:
   namespace settings { struct Hardware; }) is not guessed to be the member of the same name of
   another class the sources do define (Importer::Stack.ulMemorySizeMB): which class owns it
   cannot be told, so the importer's value does not reach the machine through it. A variable of
   an unqualified type whose definition is missing (a C typedef of a struct not read) still
   takes the one struct declaring the field, as before, and a class of a namespace the sources
   define is that class (config::Limits). */
namespace settings { struct Hardware; }
namespace config { struct Limits { unsigned long cMaxMB; }; }
typedef struct CPUDATA *PCPUDATA;

struct HWData { unsigned long mMemorySize; };
struct CPUSTATE { unsigned long uFreq; };
unsigned long g_uFreqSeen;

class Importer
{
public:
    struct Stack { unsigned long ulMemorySizeMB; };
    void fill(Stack &stack, unsigned long cMB);
};

void Importer::fill(Stack &stack, unsigned long cMB)
{
    stack.ulMemorySizeMB = cMB;
}

class Machine
{
public:
    void loadHardware(const settings::Hardware &data);
    void loadLimits(const config::Limits &limits);
private:
    HWData *mHWData;
};

void Machine::loadHardware(const settings::Hardware &data)
{
    mHWData->mMemorySize = data.ulMemorySizeMB;
}

void Machine::loadLimits(const config::Limits &limits)
{
    mHWData->mMemorySize = limits.cMaxMB;
}

void configSetLimit(config::Limits *pLimits, unsigned long cMB)
{
    pLimits->cMaxMB = cMB;
}

void cpuSetFreq(struct CPUSTATE *pState, unsigned long uFreq)
{
    pState->uFreq = uFreq;
}

void cpuSeeFreq(PCPUDATA pData)
{
    g_uFreqSeen = pData->uFreq;
}

// no flow here: Importer::fill#1 -> HWData.mMemorySize
// flow here: cpuSetFreq#1 -> g_uFreqSeen
// best path: configSetLimit#1 -> HWData.mMemorySize : Limits.cMaxMB
