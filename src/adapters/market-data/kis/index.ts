import { createKisConnection, type KisConnection, type KisConnectionOptions } from '../../brokers/kis/connection.js';
import { KisDataProvider, type KisDataProviderOptions } from './kis-data-provider.js';

export { KisQuoteProvider, KIS_ASKING_PRICE_PATH, KIS_ASKING_PRICE_TR, type KisQuoteProviderOptions } from './kis-quotes.js';
export { KisDataProvider, KIS_CHART_ROW_LIMIT, describeKisBars, type BarAdjustment, type KisDataProviderOptions, type KisPriceSeries } from './kis-data-provider.js';

/**
 * The KIS daily-price provider on an existing connection (the broker's, in a
 * process that also trades) or on a new one. A new connection with the same
 * server, app key, account and Redis prefix as the broker's names the same
 * Redis keys, so the token and the request rate are still the broker's.
 */
export function createKisDataProvider(o: Omit<KisDataProviderOptions, 'connection'> & ({ connection: KisConnection } | { connectionOptions: KisConnectionOptions })): KisDataProvider {
  const connection = 'connection' in o ? o.connection : createKisConnection(o.connectionOptions);
  return new KisDataProvider({
    connection,
    ...(o.prices === undefined ? {} : { prices: o.prices }),
    ...(o.isSession === undefined ? {} : { isSession: o.isSession }),
    ...(o.cache === undefined ? {} : { cache: o.cache }),
    ...(o.logger === undefined ? {} : { logger: o.logger }),
    ...(o.hoursOf === undefined ? {} : { hoursOf: o.hoursOf }),
  });
}
