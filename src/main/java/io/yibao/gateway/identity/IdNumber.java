package io.yibao.gateway.identity;

/** GB 11643 resident ID numbers: 17 digits and a MOD 11-2 check character, checked before asking the registry. */
public final class IdNumber {

  private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  private static final char[] CHECK = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

  private IdNumber() {
  }

  public static boolean valid(String id) {
    if (id == null || id.length() != 18) {
      return false;
    }
    int sum = 0;
    for (int i = 0; i < 17; i++) {
      char c = id.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      sum += (c - '0') * WEIGHTS[i];
    }
    return Character.toUpperCase(id.charAt(17)) == CHECK[sum % 11];
  }
}
