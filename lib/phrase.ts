import { randomInt } from 'node:crypto'

// A security phrase lets a person check that the email they got belongs to the sign-in they
// started (the app shows the same words). It is not a secret, so short word lists suffice.
const ADJECTIVES = [
  'Amber', 'Bold', 'Brave', 'Bright', 'Calm', 'Clever', 'Crimson', 'Eager', 'Gentle', 'Golden',
  'Happy', 'Honest', 'Jolly', 'Kind', 'Lively', 'Lucky', 'Mellow', 'Mighty', 'Noble', 'Proud',
  'Quiet', 'Rapid', 'Silver', 'Steady', 'Sunny', 'Swift', 'Tidy', 'Vivid', 'Warm', 'Wise',
]
const NOUNS = [
  'Badger', 'Bear', 'Beaver', 'Crane', 'Deer', 'Dolphin', 'Eagle', 'Falcon', 'Fox', 'Hare',
  'Hawk', 'Heron', 'Koala', 'Lynx', 'Moose', 'Otter', 'Owl', 'Panda', 'Puffin', 'Raven',
  'Robin', 'Salmon', 'Seal', 'Sparrow', 'Swan', 'Tiger', 'Turtle', 'Walrus', 'Whale', 'Wolf',
]

/** Two words such as `Golden Fox`. */
export function newPhrase(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]} ${NOUNS[randomInt(NOUNS.length)]}`
}
