package io.yibao.sandbox.registry;

/**
 * Resident ID numbers (GB 11643-1999): 17 digits and a MOD 11-2 check character. The gateway has its own copy
 * of this check (it never imports the sandbox); both follow the standard.
 */
public final class IdNumbers {

  private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  private static final char[] CHECK = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

  private IdNumbers() {
  }

  public static char checkChar(String first17) {
    int sum = 0;
    for (int i = 0; i < 17; i++) {
      sum += (first17.charAt(i) - '0') * WEIGHTS[i];
    }
    return CHECK[sum % 11];
  }

  public static String withCheck(String first17) {
    return first17 + checkChar(first17);
  }

  public static boolean valid(String id) {
    if (id == null || id.length() != 18) {
      return false;
    }
    for (int i = 0; i < 17; i++) {
      if (!Character.isDigit(id.charAt(i))) {
        return false;
      }
    }
    return Character.toUpperCase(id.charAt(17)) == checkChar(id.substring(0, 17));
  }
}
