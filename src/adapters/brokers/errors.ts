/**
 * `BrokerError` lives in src/lib (use cases test for it by value); brokers and
 * their tests keep importing it from here.
 */
export { BrokerError, isBrokerError, type BrokerErrorInit, type BrokerErrorKind } from '../../lib/broker-errors.js';
