/* $Id: ssm.h $ */
/** @file
 * SSM - Saved State Manager API (srcscan sample tree).
 */

#ifndef VBOX_INCLUDED_vmm_ssm_h
#define VBOX_INCLUDED_vmm_ssm_h

#include <VBox/types.h>

RT_C_DECLS_BEGIN

/** The pass number of the final (non-live) pass. */
#define SSM_PASS_FINAL          UINT32_C(0xffffffff)

/** Save-exec callback of an internal data unit. */
typedef DECLCALLBACK(int) FNSSMINTSAVEEXEC(PVM pVM, PSSMHANDLE pSSM);
/** Pointer to a save-exec callback. */
typedef FNSSMINTSAVEEXEC *PFNSSMINTSAVEEXEC;

/** Load-exec callback of an internal data unit. */
typedef DECLCALLBACK(int) FNSSMINTLOADEXEC(PVM pVM, PSSMHANDLE pSSM, uint32_t uVersion, uint32_t uPass);
/** Pointer to a load-exec callback. */
typedef FNSSMINTLOADEXEC *PFNSSMINTLOADEXEC;

VMMR3DECL(int) SSMR3RegisterInternal(PVM pVM, const char *pszName, uint32_t uInstance, uint32_t uVersion,
                                     size_t cbGuess, PFNSSMINTSAVEEXEC pfnSaveExec, PFNSSMINTLOADEXEC pfnLoadExec);

/** @name Field writers/readers
 * @{ */
VMMR3DECL(int) SSMR3PutU64(PSSMHANDLE pSSM, uint64_t u64);
VMMR3DECL(int) SSMR3PutU32(PSSMHANDLE pSSM, uint32_t u32);
VMMR3DECL(int) SSMR3PutBool(PSSMHANDLE pSSM, bool fBool);
VMMR3DECL(int) SSMR3GetU64(PSSMHANDLE pSSM, uint64_t *pu64);
VMMR3DECL(int) SSMR3GetU32(PSSMHANDLE pSSM, uint32_t *pu32);
VMMR3DECL(int) SSMR3GetBool(PSSMHANDLE pSSM, bool *pfBool);
/** @} */

RT_C_DECLS_END

#endif /* !VBOX_INCLUDED_vmm_ssm_h */
