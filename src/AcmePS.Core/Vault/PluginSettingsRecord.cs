using System;
using System.Collections.Generic;
using System.Linq;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace AcmePS.Core.Vault
{
    /// <summary>
    /// …/orders/&lt;name&gt;/plugin.json: the plugin that answered the order's challenges and the parameters it was called
    /// with, so that a renewal replays the same publish with no user present. Written as a secret file (parameters hold
    /// API tokens and TSIG keys): the vault's protection encrypts it.
    /// </summary>
    /// <remarks>
    /// Values cross to the cmdlets assembly as plain .NET values only (string, bool, long, double, object[] of those,
    /// <see cref="PluginSecret"/>, <see cref="PluginCliXml"/>): Newtonsoft's types live in the module's own load context.
    /// </remarks>
    public sealed class PluginSettingsRecord
    {
        private const string TypeKey = "$type";

        [JsonProperty("plugin")] public string Plugin { get; set; }
        [JsonProperty("challengeType")] public string ChallengeType { get; set; }
        [JsonProperty("parameters")] internal JObject Parameters { get; set; } = new JObject();
        [JsonProperty("recorded")] public DateTimeOffset Recorded { get; set; }

        public static PluginSettingsRecord Create(string plugin, string challengeType, IEnumerable<KeyValuePair<string, object>> parameters)
        {
            var record = new PluginSettingsRecord { Plugin = plugin, ChallengeType = challengeType, Recorded = DateTimeOffset.UtcNow };
            foreach (var pair in parameters) record.Parameters[pair.Key] = Encode(pair.Value);
            return record;
        }

        /// <summary>The parameters as plain values, in the order they were recorded.</summary>
        public IReadOnlyList<KeyValuePair<string, object>> Values() =>
            Parameters.Properties().Select(p => new KeyValuePair<string, object>(p.Name, Decode(p.Value))).ToList();

        private static JToken Encode(object value)
        {
            switch (value)
            {
                case null: return JValue.CreateNull();
                case string s: return s;
                case bool b: return b;
                case int i: return i;
                case long l: return l;
                case double d: return d;
                case PluginSecret secret: return new JObject { [TypeKey] = "secret", ["userName"] = secret.UserName, ["value"] = secret.Value };
                case PluginCliXml xml: return new JObject { [TypeKey] = "clixml", ["value"] = xml.Xml };
                case object[] array: return new JArray(array.Select(Encode));
                default: throw new ArgumentException($"A plugin parameter value of type {value.GetType().Name} cannot be recorded.", nameof(value));
            }
        }

        private static object Decode(JToken token)
        {
            switch (token)
            {
                case JArray array: return array.Select(Decode).ToArray();
                case JObject obj:
                    switch ((string)obj[TypeKey])
                    {
                        case "secret": return new PluginSecret((string)obj["value"], (string)obj["userName"]);
                        case "clixml": return new PluginCliXml((string)obj["value"]);
                        default:
                            throw new AcmeException("AcmePluginSettingsInvalid", AcmeErrorKind.InvalidData,
                                "The plugin settings recorded on the order have a value AcmePS cannot read.");
                    }
                case JValue value: return value.Value;
                default: return null;
            }
        }
    }

    /// <summary>A secret parameter value (a SecureString, or a PSCredential when it has a user name).</summary>
    public sealed class PluginSecret
    {
        public PluginSecret(string value, string userName = null)
        {
            Value = value;
            UserName = userName;
        }

        public string Value { get; }
        public string UserName { get; }

        public override string ToString() => "********";
    }

    /// <summary>Any other parameter value, serialized by PowerShell (PSSerializer).</summary>
    public sealed class PluginCliXml
    {
        public PluginCliXml(string xml) { Xml = xml; }
        public string Xml { get; }
    }
}
