using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using AcmePS.Commands;
using AcmePS.Core.Plugins;
using AcmePS.Core.Plugins.Http01;
using AcmePS.Models;

namespace AcmePS.Plugins
{
    /// <summary>
    /// The cleanup of the built-in plugins that publish in this process (SelfHost's and TlsAlpn's listeners, WebRoot's files), done
    /// without PowerShell: when the command waiting for the CA is stopped (Ctrl+C), its pipeline can no longer run the
    /// Unpublish command, yet a listener must not be left running nor files left behind.
    /// </summary>
    internal static class InProcessUnpublish
    {
        /// <summary>Removes what the plugin published when its Unpublish command is one of these cmdlets; else nothing.</summary>
        public static void TryRun(CommandInfo unpublish, IEnumerable<AcmeChallenge> challenges, Hashtable parameters)
        {
            var type = (unpublish as CmdletInfo)?.ImplementingType;
            var values = new Hashtable(parameters ?? new Hashtable(), StringComparer.OrdinalIgnoreCase);
            foreach (var challenge in challenges)
            {
                try
                {
                    if (type == typeof(UnpublishAcmeSelfHostChallengeCommand))
                        SelfHostResponder.Unpublish(values["Address"] as string ?? "*", PortOf(values["Port"], 80), challenge.Token);
                    else if (type == typeof(UnpublishAcmeTlsAlpnChallengeCommand))
                        TlsAlpnResponder.Unpublish(values["Address"] as string ?? "*", PortOf(values["Port"], 443), challenge.Identifier, challenge.KeyAuthorization);
                    else if (type == typeof(UnpublishAcmeWebRootChallengeCommand) && values["Path"] is string root && System.IO.Path.IsPathRooted(root))
                        WebRootPublisher.Unpublish(root, challenge.Token, challenge.Identifier);
                }
                catch (Exception)
                {
                    // best effort while the command stops: the listeners' answers still expire, and the error cannot be written
                }
            }
        }

        /// <summary>-Port as the plugin parameters give it (an int, or a number PowerShell can make one of).</summary>
        private static int PortOf(object value, int otherwise)
        {
            if (value is PSObject wrapped) value = wrapped.BaseObject;
            try { return value == null ? otherwise : LanguagePrimitives.ConvertTo<int>(value); }
            catch (PSInvalidCastException) { return otherwise; }
        }
    }
}
