import { formatDate } from './models.js'
import type { LogRecord } from './store/store.js'

/** Appwrite's Log model, field for field and in its key order (wire reference §2.5). */
export interface LogModel {
  event: string
  userId: string
  userEmail: string
  userName: string
  mode: string
  userType: string
  ip: string
  time: string
  osCode: string
  osName: string
  osVersion: string
  clientType: string
  clientCode: string
  clientName: string
  clientVersion: string
  clientEngine: string
  clientEngineVersion: string
  deviceName: string
  deviceBrand: string
  deviceModel: string
  countryCode: string
  countryName: string
}

/** No GeoIP database is shipped: the country is unknown, as in the Session model. */
export function toLogModel(e: LogRecord): LogModel {
  return {
    event: e.event,
    userId: e.userId,
    userEmail: e.userEmail,
    userName: e.userName,
    mode: e.mode,
    userType: e.userType,
    ip: e.ip,
    time: formatDate(e.time),
    ...e.client,
    countryCode: '--',
    countryName: 'Unknown',
  }
}
