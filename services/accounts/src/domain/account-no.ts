/**
 * Account numbers people read aloud: `CB` + the 4-digit year of opening + an 8-digit serial +
 * a Luhn check digit, e.g. `CB2026000001234` (15 characters). The check digit catches every
 * single-digit slip and most swaps of neighbours.
 */
export function luhnDigit(digits: string): string {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i])
    if (i % 2 === 0) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return String((10 - (sum % 10)) % 10)
}

export function accountNoFor(year: number, serial: number | string): string {
  const body = `${year}${String(serial).padStart(8, '0')}`
  return `CB${body}${luhnDigit(body)}`
}

export function isValidAccountNo(no: string): boolean {
  const m = /^CB(\d{12})(\d)$/.exec(no)
  return !!m && luhnDigit(m[1]!) === m[2]
}
