using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace AcmePS.Core.Dns.Providers
{
    /// <summary>What each DNS provider does: add values to a TXT RRset, remove only the given values.</summary>
    public interface IDnsTxtProvider
    {
        /// <summary>Adds <paramref name="values"/> to the TXT RRset of <paramref name="recordName"/>, keeping the values already there.</summary>
        Task AddAsync(string recordName, IReadOnlyCollection<string> values, CancellationToken cancellationToken);

        /// <summary>Removes <paramref name="values"/> from the RRset; the RRset goes when no value is left.</summary>
        Task RemoveAsync(string recordName, IReadOnlyCollection<string> values, CancellationToken cancellationToken);
    }
}
