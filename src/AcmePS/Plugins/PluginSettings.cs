using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Security;
using AcmePS.Core.Vault;
using AcmePS.Internal;

namespace AcmePS.Plugins
{
    /// <summary>
    /// Plugin parameters (a hashtable) to and from the settings recorded on an order (plugin.json). Strings, numbers,
    /// booleans, switches and arrays of them are kept as they are; a SecureString or PSCredential keeps its secret
    /// inside plugin.json, which the vault writes as a secret file (encrypted by the vault's protection); anything
    /// else is kept as CliXml.
    /// </summary>
    internal static class PluginSettings
    {
        public static PluginSettingsRecord ToRecord(string plugin, string challengeType, Hashtable parameters)
        {
            var values = new List<KeyValuePair<string, object>>();
            foreach (DictionaryEntry entry in parameters ?? new Hashtable())
            {
                string key = entry.Key.ToString();
                if (string.Equals(key, "Challenge", StringComparison.OrdinalIgnoreCase)) continue;
                values.Add(new KeyValuePair<string, object>(key, Encode(entry.Value)));
            }
            return PluginSettingsRecord.Create(plugin, challengeType, values);
        }

        public static Hashtable ToHashtable(PluginSettingsRecord record)
        {
            var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
            if (record == null) return table;
            foreach (var pair in record.Values()) table[pair.Key] = Decode(pair.Value);
            return table;
        }

        private static object Encode(object value)
        {
            if (value is PSObject ps && !(ps.BaseObject is PSCustomObject)) value = ps.BaseObject;
            switch (value)
            {
                case null: return null;
                case string _: case bool _: case int _: case long _: case double _: return value;
                case SwitchParameter sw: return sw.IsPresent;
                case Uri u: return u.OriginalString;
                case SecureString secure: return new PluginSecret(SecureText.Plain(secure));
                case PSCredential credential: return new PluginSecret(SecureText.Plain(credential.Password), credential.UserName ?? "");
                case Array array when array.Cast<object>().All(IsSimple): return array.Cast<object>().Select(Encode).ToArray();
                default: return new PluginCliXml(PSSerializer.Serialize(value));
            }
        }

        private static bool IsSimple(object value)
        {
            if (value is PSObject ps) value = ps.BaseObject;
            return value == null || value is string || value is bool || value is int || value is long || value is double;
        }

        private static object Decode(object value)
        {
            switch (value)
            {
                case PluginSecret secret when secret.UserName != null: return new PSCredential(secret.UserName, SecureText.Secure(secret.Value));
                case PluginSecret secret: return SecureText.Secure(secret.Value);
                case PluginCliXml xml: return PSSerializer.Deserialize(xml.Xml);
                case long l when l >= int.MinValue && l <= int.MaxValue: return (int)l;
                case object[] array: return array.Select(Decode).ToArray();
                default: return value;
            }
        }
    }
}
